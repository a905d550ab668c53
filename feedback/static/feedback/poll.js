/* Satisfaction poll box: vote and show the results in place.

Without JavaScript the box's form leads to the poll's own page (which holds the real POST form);
here the vote is posted straight away with a CSRF token fetched fresh from the server, because
the page around the box may come from a cache and must not carry anybody's token. */
(function () {
    "use strict";

    function getJSON(url) {
        return fetch(url, {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
            cache: "no-store",
        }).then(function (response) {
            return response.json();
        });
    }

    function showResults(box, data) {
        var body = box.querySelector("[data-poll-body]");
        var status = box.querySelector("[data-poll-status]");
        status.textContent = data.message || "";
        if (data.html) {
            body.innerHTML = data.html;
            // The button that had focus is gone: take the keyboard to the results.
            body.tabIndex = -1;
            body.focus();
        }
    }

    function vote(box, form) {
        var button = form.querySelector("[type=submit]");
        if (button.getAttribute("aria-disabled") === "true") {
            return; // a vote on its way
        }
        // Not `disabled`: a disabled button loses the keyboard's focus, and a screen reader's user
        // would be left nowhere when the vote is refused.
        button.setAttribute("aria-disabled", "true");
        function ready() {
            button.removeAttribute("aria-disabled");
        }
        getJSON(box.dataset.pollCsrfUrl)
            .then(function (csrf) {
                return fetch(box.dataset.pollVoteUrl, {
                    method: "POST",
                    headers: { Accept: "application/json", "X-CSRFToken": csrf.token },
                    credentials: "same-origin",
                    body: new URLSearchParams(new FormData(form)),
                });
            })
            .then(function (response) {
                return response.json();
            })
            .then(function (data) {
                showResults(box, data);
                if (!data.html) {
                    ready();
                }
            })
            .catch(function () {
                // No answer we understand: take the way that works without JavaScript, unless a
                // comment is written. That way sends the form in its address, where a comment
                // must not go (it would stay in logs), and the poll's page would not get it.
                var comment = form.querySelector("textarea[name=comment]");
                if (comment && comment.value.trim()) {
                    box.querySelector("[data-poll-status]").textContent = box.dataset.pollUnsent;
                    ready();
                    return;
                }
                var more = form.querySelector("[data-poll-more]");
                if (more) {
                    more.disabled = true;
                }
                form.submit();
            });
    }

    function init(box) {
        if (box.dataset.pollReady) {
            return;
        }
        box.dataset.pollReady = "1";
        var form = box.querySelector("[data-poll-form]");
        if (!form) {
            return;
        }
        // What the poll's page asks besides the answer, posted with it from here.
        var more = form.querySelector("[data-poll-more]");
        if (more) {
            more.disabled = more.hidden = false;
        }
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            vote(box, form);
        });
        // What was said of the last vote ("choose an answer", say) no longer holds once the answer
        // changes. Emptied, not removed: the live region must be there to announce the next one.
        form.addEventListener("change", function (event) {
            if (event.target.name === "option") {
                box.querySelector("[data-poll-status]").textContent = "";
            }
        });
        var link = box.querySelector("[data-poll-show-results]");
        if (hasVoted(box)) {
            showVoted(box, link.href);
        }
        link.addEventListener("click", function (event) {
            event.preventDefault();
            getJSON(link.href)
                .then(function (data) {
                    box.querySelector("[data-poll-status]").textContent = data.message || "";
                    showBesideTheForm(box, form, data.html || "");
                })
                .catch(function () {
                    window.location.href = link.href;
                });
        });
        box.querySelector("[data-poll-back]").addEventListener("click", function () {
            showBesideTheForm(box, form, "");
        });
    }

    // The box may come from a page cache, made for everyone: a browser that has voted (the vote's
    // cookie says so) is shown the results instead of the form, as the poll's page shows them.
    function hasVoted(box) {
        var name = box.dataset.pollVotedCookie + "=";
        return document.cookie.split("; ").some(function (cookie) {
            return cookie.indexOf(name) === 0;
        });
    }

    function showVoted(box, resultsUrl) {
        getJSON(resultsUrl)
            .then(function (data) {
                if (!data.html) {
                    return;
                }
                var body = box.querySelector("[data-poll-body]");
                var voted = document.createElement("p");
                voted.className = "poll__voted";
                voted.textContent = box.dataset.pollVoted;
                body.innerHTML = data.html;
                body.insertBefore(voted, body.firstChild);
            })
            .catch(function () {
                // The form stays: a vote sent again is answered "You have already voted".
            });
    }

    // The results asked for before voting take the form's place until the visitor goes back to it.
    function showBesideTheForm(box, form, html) {
        var results = box.querySelector("[data-poll-results]");
        var back = box.querySelector("[data-poll-back]");
        results.innerHTML = html;
        results.hidden = back.hidden = !html;
        form.hidden = Boolean(html);
        if (html) {
            results.focus();
        } else {
            // On the answer chosen, if any: a screen reader announces it, and arrows move from it.
            (form.querySelector("input[name=option]:checked") || form.querySelector("input[name=option]")).focus();
        }
    }

    document.querySelectorAll("[data-poll]").forEach(init);
})();
